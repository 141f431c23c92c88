// Black-box answer corpus, part 2 of 7: more correct unified diffs (ua19 on): CRLF, end-
// of-file markers, new and deleted lines, repeated context, real ellipses. See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('correct unified diffs 2');

test.run();
