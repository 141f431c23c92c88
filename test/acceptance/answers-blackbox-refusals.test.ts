// Black-box answer corpus, part 5 of 7: answers that must be refused because a hunk, block
// or old text is ambiguous or cannot be located (ur01-ur16); nothing may change. See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('ambiguous and unlocatable answers');

test.run();
