/**
 * `tensorjit/rspack`: the tensorjit bundler plugin for rspack (see unplugin.ts). `tensorjit(options?)`
 * returns the plugin; `import tensorjit from 'tensorjit/rspack'` and `require('tensorjit/rspack')` both give it.
 */
import { unplugin, type PluginOptions } from './unplugin';

type Plugin = typeof unplugin.rspack;
const plugin: Plugin & { default: Plugin; tensorjit: Plugin } = Object.assign((options?: PluginOptions) => unplugin.rspack(options), {}) as never;
plugin.default = plugin;
plugin.tensorjit = plugin;
export = plugin;
