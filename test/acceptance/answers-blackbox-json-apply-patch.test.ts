// Black-box answer corpus, part 3 of 7: correct answers as a JSON patch (ja*) and in
// OpenAI's apply_patch format (pa*). See answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases('correct JSON and apply_patch answers');

test.run();
