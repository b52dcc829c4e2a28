/**
 * `tensorjit/rollup`: the tensorjit bundler plugin for rollup (see unplugin.ts). `tensorjit(options?)`
 * returns the plugin; `import tensorjit from 'tensorjit/rollup'` and `require('tensorjit/rollup')` both give it.
 */
import { unplugin, type PluginOptions } from './unplugin';

type Plugin = typeof unplugin.rollup;
const plugin: Plugin & { default: Plugin; tensorjit: Plugin } = Object.assign((options?: PluginOptions) => unplugin.rollup(options), {}) as never;
plugin.default = plugin;
plugin.tensorjit = plugin;
export = plugin;
