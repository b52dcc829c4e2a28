import { relu, flip, input, show } from './lib';

const x = input();
console.log(`PROBE ${show(relu(x))} | ${show(flip(x))}`);
// fun.async runs the compiled model in a worker thread (its file must be found inside bundles too)
flip.async(x).then((y) => console.log(`ASYNC ${show(y)}`));
