/** Why dist/ under `root` must be built again; undefined when it is up to date (scripts/build.mjs). */
export function staleness(root?: string): string | undefined;
/** tsc, then the bundle; the exit code (scripts/build.mjs). */
export function build(root?: string, out?: 'inherit' | number): number;
