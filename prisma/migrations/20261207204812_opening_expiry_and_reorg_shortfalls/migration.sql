-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "openingExpiresAt" TIMESTAMP(3),
ADD COLUMN     "openingReleaseReason" TEXT,
ADD COLUMN     "openingReleasedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ChannelShortfall" (
    "id" BIGSERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "trader" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "owed" DECIMAL(78,0) NOT NULL,
    "takenBack" DECIMAL(78,0) NOT NULL,
    "shortfall" DECIMAL(78,0) NOT NULL,
    "event" TEXT NOT NULL,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelShortfall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChannelShortfall_trader_idx" ON "ChannelShortfall"("trader");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelShortfall_txHash_logIndex_blockHash_token_key" ON "ChannelShortfall"("txHash", "logIndex", "blockHash", "token");

-- A shortfall row is exact: nothing negative, and what was owed is what came back plus what is missing.
ALTER TABLE "ChannelShortfall" ADD CONSTRAINT "ChannelShortfall_amounts_check"
  CHECK ("takenBack" >= 0 AND "shortfall" > 0 AND "owed" = "takenBack" + "shortfall");
