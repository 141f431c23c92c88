// Black-box answer corpus, part 3 of 3: answers that must be refused with the tree left
// byte-identical (ur*): ambiguous or unlocatable hunks, lazy elision, several patches, a
// shell block next to the patch, no patch, and paths the task or policy does not allow.
// See answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases(['ur'], 'bad answers');

test.run();
