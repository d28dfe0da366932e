-- CreateEnum
CREATE TYPE "ChannelStatus" AS ENUM ('OPENING', 'ACTIVE', 'CHALLENGED', 'CLOSING', 'CLOSED');

-- CreateTable
CREATE TABLE "Channel" (
    "id" TEXT NOT NULL,
    "trader" TEXT NOT NULL,
    "nonce" BIGINT NOT NULL,
    "status" "ChannelStatus" NOT NULL DEFAULT 'OPENING',
    "fundingTokens" TEXT[],
    "fundingTotals" DECIMAL(78,0)[],
    "latestVersion" BIGINT NOT NULL,
    "coSignedVersion" BIGINT,
    "onChainVersion" BIGINT,
    "needsTopUp" BOOLEAN NOT NULL DEFAULT false,
    "pendingOp" TEXT,
    "pendingVersion" BIGINT,
    "pendingDebits" JSONB,
    "alert" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Channel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelState" (
    "channelId" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    "intent" INTEGER NOT NULL,
    "allocationTokens" TEXT[],
    "traderAmounts" DECIMAL(78,0)[],
    "exchangeAmounts" DECIMAL(78,0)[],
    "appData" JSONB NOT NULL,
    "appDataHash" TEXT NOT NULL,
    "stateHash" TEXT NOT NULL,
    "exchangeSignature" TEXT NOT NULL,
    "traderSignature" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelState_pkey" PRIMARY KEY ("channelId","version")
);

-- CreateTable
CREATE TABLE "ChannelChainEvent" (
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "reverted" BOOLEAN NOT NULL DEFAULT false,
    "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelChainEvent_pkey" PRIMARY KEY ("txHash","logIndex")
);

-- CreateIndex
CREATE INDEX "Channel_trader_status_idx" ON "Channel"("trader", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Channel_trader_nonce_key" ON "Channel"("trader", "nonce");

-- CreateIndex
CREATE INDEX "ChannelChainEvent_channelId_idx" ON "ChannelChainEvent"("channelId");

-- AddForeignKey
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: Prisma's schema language has no CHECK constraints (and its diff ignores them).
-- A state's version is a uint48, its intent one of the four, INITIALIZE exactly at version 0,
-- and its three allocation arrays line up; amounts are non-negative.
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_version_uint48" CHECK ("version" >= 0 AND "version" < 281474976710656);
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_intent_valid" CHECK ("intent" BETWEEN 0 AND 3);
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_initialize_at_zero" CHECK (("intent" = 0) = ("version" = 0));
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_allocations_aligned" CHECK (
  cardinality("allocationTokens") = cardinality("traderAmounts") AND cardinality("allocationTokens") = cardinality("exchangeAmounts"));
ALTER TABLE "ChannelState" ADD CONSTRAINT "ChannelState_amounts_non_negative" CHECK (
  0 <= ALL("traderAmounts") AND 0 <= ALL("exchangeAmounts"));
ALTER TABLE "Channel" ADD CONSTRAINT "Channel_versions_ordered" CHECK (
  "latestVersion" >= 0 AND ("coSignedVersion" IS NULL OR "coSignedVersion" <= "latestVersion"));
-- Versions strictly increase: a new state must be above every stored version of its channel.
CREATE FUNCTION "channel_state_version_increases"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "ChannelState" WHERE "channelId" = NEW."channelId" AND "version" >= NEW."version") THEN
    RAISE EXCEPTION 'channel % state version % is not above the stored ones', NEW."channelId", NEW."version"
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "ChannelState_version_increases"
  BEFORE INSERT ON "ChannelState"
  FOR EACH ROW EXECUTE FUNCTION "channel_state_version_increases"();
