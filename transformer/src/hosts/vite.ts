/**
 * `tensorjit/vite`: the tensorjit bundler plugin for vite (see unplugin.ts). `tensorjit(options?)`
 * returns the plugin; `import tensorjit from 'tensorjit/vite'` and `require('tensorjit/vite')` both give it.
 */
import { unplugin, type PluginOptions } from './unplugin';

type Plugin = typeof unplugin.vite;
const plugin: Plugin & { default: Plugin; tensorjit: Plugin } = Object.assign((options?: PluginOptions) => unplugin.vite(options), {}) as never;
plugin.default = plugin;
plugin.tensorjit = plugin;
export = plugin;
