#!/usr/bin/env node
// oclif checks its own Node engine range with semver on every start; pipe's package.json
// states the range it supports, so skip that check and its load time.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
