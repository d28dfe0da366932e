-- CreateEnum
CREATE TYPE "CustodyLogStatus" AS ENUM ('APPLYING', 'APPLIED', 'REVERTED');

-- CreateEnum
CREATE TYPE "WatchtowerOutcome" AS ENUM ('PENDING', 'NOT_NEEDED', 'UNANSWERABLE', 'SENT', 'ANSWERED', 'CLEARED', 'MISSED');

-- CreateTable
CREATE TABLE "ChainCursor" (
    "id" TEXT NOT NULL,
    "lastBlock" BIGINT NOT NULL,
    "lastBlockHash" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChainCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChainBlock" (
    "number" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChainBlock_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "CustodyLog" (
    "id" BIGSERIAL NOT NULL,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "topics" TEXT[],
    "data" TEXT NOT NULL,
    "channelId" TEXT,
    "status" "CustodyLogStatus" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "appliedAt" TIMESTAMP(3),
    "revertedAt" TIMESTAMP(3),

    CONSTRAINT "CustodyLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WatchtowerAction" (
    "id" BIGSERIAL NOT NULL,
    "channelId" TEXT NOT NULL,
    "challengedVersion" BIGINT NOT NULL,
    "challengeDeadline" BIGINT NOT NULL,
    "challenger" TEXT NOT NULL,
    "challengeTxHash" TEXT NOT NULL,
    "answeredVersion" BIGINT,
    "method" TEXT,
    "txHash" TEXT,
    "rawTransaction" TEXT,
    "outcome" "WatchtowerOutcome" NOT NULL,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WatchtowerAction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustodyLog_status_blockNumber_idx" ON "CustodyLog"("status", "blockNumber");

-- CreateIndex
CREATE INDEX "CustodyLog_channelId_blockNumber_idx" ON "CustodyLog"("channelId", "blockNumber");

-- CreateIndex
CREATE INDEX "CustodyLog_eventName_status_idx" ON "CustodyLog"("eventName", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CustodyLog_txHash_logIndex_blockHash_key" ON "CustodyLog"("txHash", "logIndex", "blockHash");

-- CreateIndex
CREATE INDEX "WatchtowerAction_outcome_idx" ON "WatchtowerAction"("outcome");

-- CreateIndex
CREATE UNIQUE INDEX "WatchtowerAction_channelId_challengedVersion_challengeDeadl_key" ON "WatchtowerAction"("channelId", "challengedVersion", "challengeDeadline");
