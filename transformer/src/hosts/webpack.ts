/**
 * `tensorjit/webpack`: the tensorjit bundler plugin for webpack (see unplugin.ts). `tensorjit(options?)`
 * returns the plugin; `import tensorjit from 'tensorjit/webpack'` and `require('tensorjit/webpack')` both give it.
 */
import { unplugin, type PluginOptions } from './unplugin';

type Plugin = typeof unplugin.webpack;
const plugin: Plugin & { default: Plugin; tensorjit: Plugin } = Object.assign((options?: PluginOptions) => unplugin.webpack(options), {}) as never;
plugin.default = plugin;
plugin.tensorjit = plugin;
export = plugin;
