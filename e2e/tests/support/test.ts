import { test as base, expect } from "@playwright/test";

/**
 * Playwright's `test`, checking first that the server under test still answers: when it has died (or was
 * killed from outside), every test says so at once instead of timing out on a blank page.
 */
export const test = base.extend<{ serverAnswers: undefined }>({
  serverAnswers: [
    async ({ request, baseURL }, use) => {
      const response = await request.get("/api/health", { timeout: 5_000 }).catch(() => null);
      if (!response?.ok()) {
        throw new Error(
          `the Taskloom server under test (${baseURL}) does not answer /api/health ` +
            `(${response ? `status ${response.status()}` : "no answer"}): it stopped or was stopped; see the [WebServer] output`,
        );
      }
      await use(undefined);
    },
    { auto: true },
  ],
});

export { expect };
