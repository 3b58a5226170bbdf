// Loaded into the built server by tests/crash.test.ts only (node --import): on SIGUSR2, an
// error escapes every handler, as a bug would. CRASH_KIND: "exception" or "rejection".
// Its message carries a phone number: the line must not log it.
process.on('SIGUSR2', () => {
  const err = new Error('a bug, thrown with a caller number +32470123456 in its message');
  if (process.env.CRASH_KIND === 'rejection') void Promise.reject(err);
  else
    setImmediate(() => {
      throw err;
    });
});
