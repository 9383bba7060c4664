/**
 * What parsing a frame costs in memory, estimated from what the splitter counts anyway as it
 * scans: a JSON text's parsed form costs little per byte of strings and numbers, but a lot per
 * empty container: `[[],[],…]` becomes one JavaScript array per 3 bytes, about 43 bytes of heap
 * each and more while the parser builds them, so a 100 MiB frame of it needs gigabytes. The
 * weights below come from the peak resident memory that parsing frames of one kind of value
 * adds on V8 (Node 20), with a quarter more on top, so that the estimate stays above the real
 * cost of every shape measured (docs/benchmarks.md, "Memory per frame"):
 *
 * - 3 bytes per byte of text: the bytes as received, the decoded string, strings parsed;
 * - 130 bytes per object and 90 per array (the container, its backing store, parse scratch);
 * - 30 bytes per comma, that is per further element or member (a slot, a number or a key).
 */

import { getHeapStatistics } from 'node:v8';

/** Frames smaller than this are never refused for their cost: their memory is small anyway. */
export const MIN_COSTED_FRAME_BYTES = 64 * 1024;

/** Default limit on a frame's estimated parse cost, as a multiple of its size. */
export const DEFAULT_MAX_PARSE_COST_FACTOR = 32;

const PER_BYTE = 3;
const PER_OBJECT = 130;
const PER_ARRAY = 90;
const PER_COMMA = 30;

/** Estimated peak memory, in bytes, of parsing a frame of `bytes` bytes with these counts. */
export function frameParseCost(bytes: number, objects: number, arrays: number, commas: number): number {
  return PER_BYTE * bytes + PER_OBJECT * objects + PER_ARRAY * arrays + PER_COMMA * commas;
}

/**
 * Bytes the JavaScript heap can still grow by before V8 aborts the process. A frame whose
 * parse would need more is refused whatever its factor: an out-of-memory abort cannot be
 * caught, so no frame may be allowed to cause one.
 */
export function heapHeadroom(): number {
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  return limit - used;
}
