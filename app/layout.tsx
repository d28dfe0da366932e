import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { serverPublicConfig } from "./_trpc/server";
import { NavLinks } from "./_components/NavLinks";
import { Toaster } from "./_components/Toaster";
import { PendingStatesBadge } from "./_channel/PendingStatesBadge";
import { SignIn } from "./_wallet/SignIn";
import { WalletButton } from "./_wallet/WalletButton";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Clearline — exchange on state channels",
  description:
    "Trade spot and perpetuals off-chain at exchange speed; leave any time with your latest co-signed balance.",
};

export const viewport: Viewport = { themeColor: "#0b0e11", width: "device-width", initialScale: 1 };

// Every page reads the live deployment and database: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  const config = serverPublicConfig();
  return (
    <html lang="en">
      <body>
        <Providers config={config}>
          <header className="topbar">
            <Link href="/" className="brand">
              Clear<span>line</span>
            </Link>
            <NavLinks />
            <div className="spacer" />
            <PendingStatesBadge />
            <SignIn />
            <WalletButton />
          </header>
          {children}
          <Toaster />
        </Providers>
      </body>
    </html>
  );
}
