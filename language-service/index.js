// tsserver loads plugins with Node10-style resolution (no package "exports"), so
// { "name": "tensorjit/language-service" } needs this file; the plugin itself is built to dist.
'use strict';
module.exports = require('../dist/transformer/language-service/index.js');
