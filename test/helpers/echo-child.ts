/**
 * Run as a child process with a small heap by test/client/frame-memory.test.ts: connects to
 * the remote in argv[2], sends one `echo`, and prints how it ended (`ok`, or the codes of the
 * error and its cause). A heap out-of-memory abort shows as the child's exit instead.
 */
import { connect } from '../../src/index.js';

const client = await connect(process.argv[2] as string);
try {
  await client.echo([]);
  console.log('ok');
} catch (error) {
  const cause = (error as { cause?: { code?: string } }).cause;
  console.log(`${(error as { code?: string }).code} ${cause?.code ?? ''}`.trim());
}
await client.close();
