import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Toaster } from "../components/ui/toaster.tsx";
import { TRPCReactProvider } from "../trpc/react.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Taskloom", template: "%s · Taskloom" },
  description: "Plans, runs and live task graphs",
};

export const viewport: Viewport = { themeColor: "#4f46e5" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex h-dvh flex-col overflow-hidden font-sans">
        <TRPCReactProvider>
          {children}
          <Toaster />
        </TRPCReactProvider>
      </body>
    </html>
  );
}
