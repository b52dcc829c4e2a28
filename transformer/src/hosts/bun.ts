/**
 * `tensorjit/bun`: the tensorjit transform for bun (unplugin 2 has no bun adapter, so this is a
 * Bun.plugin of its own over the same service). Preloading the module registers it for the bun
 * runtime (bunfig.toml: `preload = ["tensorjit/bun"]`, or `bun --preload tensorjit/bun app.ts`);
 * `Bun.build({ plugins: [require('tensorjit/bun').plugin()] })` uses it for bundling.
 */
import * as fs from 'fs';
import { isTypeScriptFile, serviceFor, type HostOptions } from './service';

interface BunPluginBuilder {
  onLoad(options: { filter: RegExp }, cb: (args: { path: string }) => { contents: string; loader: string } | undefined): void;
}
interface BunPlugin { name: string; setup(build: BunPluginBuilder): void }

export function plugin(options: HostOptions = {}): BunPlugin {
  return {
    name: 'tensorjit',
    setup(build) {
      build.onLoad({ filter: /\.(c|m)?tsx?$/ }, (args) => {
        if (!isTypeScriptFile(args.path) || /[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const service = serviceFor(args.path, options);
        const r = service.transform(args.path, fs.readFileSync(args.path, 'utf8'), 'esm');
        const errors = r.diagnostics.filter((d) => d.category === 'error');
        for (const d of r.diagnostics) if (d.category !== 'error') console.warn(d.text);
        if (errors.length) throw new Error(`tensorjit:\n${errors.map((d) => d.text).join('\n')}`);
        const map = r.map ? `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(r.map).toString('base64')}\n` : '';
        return { contents: r.code + map, loader: 'js' };
      });
    },
  };
}

const Bun = (globalThis as { Bun?: { plugin(p: BunPlugin): void } }).Bun;
if (Bun) Bun.plugin(plugin());
