import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native modules and Prisma's runtime must be loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/client",
    "pg",
    "@prisma/adapter-pg",
  ],
  // The workspace packages export TypeScript source (no build step between packages).
  transpilePackages: [
    "@taskloom/api",
    "@taskloom/engine",
    "@taskloom/core",
    "@taskloom/db",
    "@taskloom/executor",
    "@taskloom/scheduler",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
