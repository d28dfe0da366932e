import type { Metadata } from "next";
import { ChannelScreen } from "../../_channel/ChannelScreen";

export const metadata: Metadata = { title: "Channel — Clearline" };

export default function ChannelPage() {
  return <ChannelScreen />;
}
