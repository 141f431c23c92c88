// Black-box answer corpus, part 2 of 3: correct answers as a JSON patch (ja*), in OpenAI's
// apply_patch format (pa*) and as aider SEARCH/REPLACE blocks (sa*). See
// answers-blackbox.test.ts for what is checked.
import { test } from 'uvu';
import { registerCases } from './answers-blackbox-suite.js';

registerCases(['ja', 'pa', 'sa'], 'correct JSON, apply_patch and SEARCH/REPLACE answers');

test.run();
