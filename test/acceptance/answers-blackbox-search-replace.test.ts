// Black-box answer corpus, part 4 of 7: correct aider SEARCH/REPLACE answers (sa*). See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('correct SEARCH/REPLACE answers');

test.run();
