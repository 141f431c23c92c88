// Black-box answer corpus, part 6 of 7: answers that must be refused for holding several
// patches, a shell block, no patch, or lazy elision (ur17-ur35). See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('several patches, shell, no patch, lazy elision');

test.run();
