-- CreateEnum
CREATE TYPE "MarketKind" AS ENUM ('SPOT', 'PERP');

-- CreateEnum
CREATE TYPE "MarketStatus" AS ENUM ('ACTIVE', 'HALTED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('TRADER', 'OPERATOR', 'ADMIN', 'BROKER');

-- CreateTable
CREATE TABLE "ChainBinding" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "chainId" BIGINT NOT NULL,
    "genesisHash" TEXT NOT NULL,
    "custodyAddress" TEXT NOT NULL,
    "deployBlock" BIGINT NOT NULL,
    "boundAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainBinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Asset" (
    "symbol" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "decimals" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Asset_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "Market" (
    "symbol" TEXT NOT NULL,
    "kind" "MarketKind" NOT NULL,
    "baseAsset" TEXT NOT NULL,
    "quoteAsset" TEXT NOT NULL,
    "tickSize" DECIMAL(78,0) NOT NULL,
    "lotSize" DECIMAL(78,0) NOT NULL,
    "minNotional" DECIMAL(78,0) NOT NULL,
    "maxLeverage" INTEGER NOT NULL,
    "initialMarginBps" INTEGER NOT NULL,
    "maintenanceMarginBps" INTEGER NOT NULL,
    "makerFeePips" INTEGER NOT NULL,
    "takerFeePips" INTEGER NOT NULL,
    "fundingIntervalSec" INTEGER,
    "fundingCapPips" INTEGER,
    "status" "MarketStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Market_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "roles" "Role"[] DEFAULT ARRAY['TRADER']::"Role"[],
    "suspendedAt" TIMESTAMP(3),
    "suspendReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Asset_address_key" ON "Asset"("address");

-- CreateIndex
CREATE INDEX "Market_baseAsset_idx" ON "Market"("baseAsset");

-- CreateIndex
CREATE INDEX "Market_quoteAsset_idx" ON "Market"("quoteAsset");

-- CreateIndex
CREATE UNIQUE INDEX "User_address_key" ON "User"("address");

-- CreateIndex
CREATE INDEX "AuditLog_actor_createdAt_idx" ON "AuditLog"("actor", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_target_createdAt_idx" ON "AuditLog"("target", "createdAt");

-- AddForeignKey
ALTER TABLE "Market" ADD CONSTRAINT "Market_baseAsset_fkey" FOREIGN KEY ("baseAsset") REFERENCES "Asset"("symbol") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Market" ADD CONSTRAINT "Market_quoteAsset_fkey" FOREIGN KEY ("quoteAsset") REFERENCES "Asset"("symbol") ON DELETE RESTRICT ON UPDATE CASCADE;
