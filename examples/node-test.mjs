// The plain helper with node:test (the same four calls fit Jest or mocha hooks): one emulator for
// the file, a fresh key per test, the real hosts intercepted. Run: node --test examples/node-test.mjs
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { createTestEmulators } from "imagegen-emulators";

const emu = createTestEmulators({ intercept: true, startCredit: 50 });
before(emu.start);
beforeEach(emu.beginTest);
afterEach(emu.endTest);
after(emu.stop);

const profile = async () =>
  (await (await fetch("https://app.aitubo.ai/api/user/profile", { headers: { authorization: `Bearer ${emu.key}` } })).json())
    .data;

const seen = [];

test("a test's key starts with the start credit", async () => {
  seen.push(emu.key);
  assert.equal((await profile()).credit, 50);
});

test("another test has another key, with its own balance", async () => {
  assert.notEqual(emu.key, seen[0]);
  assert.equal(await emu.balance(), 50);
});
