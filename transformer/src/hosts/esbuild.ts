/**
 * `tensorjit/esbuild`: the tensorjit bundler plugin for esbuild (see unplugin.ts). `tensorjit(options?)`
 * returns the plugin; `import tensorjit from 'tensorjit/esbuild'` and `require('tensorjit/esbuild')` both give it.
 */
import { unplugin, type PluginOptions } from './unplugin';

type Plugin = typeof unplugin.esbuild;
const plugin: Plugin & { default: Plugin; tensorjit: Plugin } = Object.assign((options?: PluginOptions) => unplugin.esbuild(options), {}) as never;
plugin.default = plugin;
plugin.tensorjit = plugin;
export = plugin;
