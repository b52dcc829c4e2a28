/**
 * The ts-patch entry file (`dist/transformer/transformer.js`): the same plugin and API as
 * `tensorjit/transformer` (index.ts), under the path tools may reference directly.
 */
export { default } from './index';
export * from './index';
