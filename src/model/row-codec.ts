/**
 * The row codec: typed rows (docs/codegen.md) to RFC 7047 wire rows and back. Encoding lives in
 * `row-encode.ts`, decoding in `row-decode.ts`, the write-only markers in `write-markers.ts`.
 */
export { decodeRow, decodeValue } from './row-decode.js';
export { type EncodeRowOptions, encodeRow, encodeValue } from './row-encode.js';
export { CLEAR, type Clear, NamedRef, namedRef, type RowWrite, type WriteValue } from './write-markers.js';
