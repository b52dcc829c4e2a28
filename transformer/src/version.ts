/** The transformer version written into JitMeta.version (the tensorjit package version). */
// dist/transformer/version.js → ../../package.json is the package root
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = (require('../../package.json') as { version: string }).version;
