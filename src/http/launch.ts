/**
 * How the line's process is started: `npm start` (package.json), the Dockerfile, the benches and
 * the tests run it with these (tests/container.test.ts checks the first two against them).
 * The figures behind them: docs/restarts.md, "Memory".
 */

/** Node's flags: V8's young generation in 4 MB semi-spaces (the peak resident memory under the
 * bench fell from 131-134 MB to 117 MB, at the same requests/s). */
export const LINE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * Its environment, besides the operator's: glibc's malloc keeps its trim threshold at the
 * default, 128 KB. Left to itself, it raises the threshold when the start frees a large block,
 * and the process then keeps some 10 MB it no longer uses. Other C libraries ignore it.
 */
export const LINE_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_TRIM_THRESHOLD_: '131072' };
