// Types for `tensorjit/language-service` under Node10-style resolution (tsserver's): the plugin's own declarations.
import init = require('../dist/transformer/language-service/index');
export = init;
