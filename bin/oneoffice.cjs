#!/usr/bin/env node
'use strict';
// CommonJS: Node starts it faster than an ES module, and start-up is most of a single call's cost.
require('../dist/cli/cli.cjs').runProcess();
