// Black-box answer corpus, part 7 of 7: answers that must be refused for paths outside the
// task or repo, protected or forbidden paths, deletes and renames (ur36 on). See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('unsafe paths, deletes, renames, and more');

test.run();
