-- CreateTable
CREATE TABLE "JournalEntry" (
    "seq" BIGINT NOT NULL,
    "command" TEXT NOT NULL,
    "timeMs" BIGINT NOT NULL,
    "meta" TEXT,

    CONSTRAINT "JournalEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "EngineStateSnapshot" (
    "seq" BIGINT NOT NULL,
    "data" TEXT NOT NULL,
    "timeMs" BIGINT NOT NULL,

    CONSTRAINT "EngineStateSnapshot_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "JournalEvent" (
    "seq" BIGINT NOT NULL,
    "idx" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "market" TEXT,
    "account" TEXT,
    "counterparty" TEXT,
    "pricePerLot" DECIMAL(78,0),
    "sizeBase" DECIMAL(78,0),
    "timeMs" BIGINT NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "JournalEvent_pkey" PRIMARY KEY ("seq","idx")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "account" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "timeMs" BIGINT NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("account","key")
);

-- CreateIndex
CREATE INDEX "JournalEvent_account_seq_idx" ON "JournalEvent"("account", "seq");

-- CreateIndex
CREATE INDEX "JournalEvent_counterparty_seq_idx" ON "JournalEvent"("counterparty", "seq");

-- CreateIndex
CREATE INDEX "JournalEvent_market_type_seq_idx" ON "JournalEvent"("market", "type", "seq");
