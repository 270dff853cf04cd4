import { expect } from 'chai';

/** Awaits `p` and asserts it fails with an AppError of `code`; returns the error. */
export async function expectError(p: Promise<unknown>, code: string): Promise<any> {
  try {
    await p;
  } catch (err) {
    expect((err as { code?: string }).code, String((err as Error).message)).to.equal(code);
    return err;
  }
  expect.fail(`expected error ${code}`);
}
