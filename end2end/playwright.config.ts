import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";

// Debian's chromium, never a downloaded browser (`npx playwright install` cannot work here).
const executablePath = process.env.CHROMIUM_PATH || execSync("command -v chromium").toString().trim();

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./wait-for-server.ts",
  workers: 1,
  retries: 0,
  timeout: 60_000,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["json", { outputFile: "test-results/results.json" }]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"],
    },
  },
});
