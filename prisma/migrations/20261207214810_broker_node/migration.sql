-- CreateTable
CREATE TABLE "B2BPeer" (
    "address" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "lastSeqIn" BIGINT NOT NULL DEFAULT 0,
    "lastSeqOut" BIGINT NOT NULL DEFAULT 0,
    "ackedSeqOut" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "B2BPeer_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "B2BLogEntry" (
    "index" BIGINT NOT NULL,
    "direction" TEXT NOT NULL,
    "peer" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "kind" INTEGER NOT NULL,
    "prevHash" TEXT NOT NULL,
    "entryHash" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "B2BLogEntry_pkey" PRIMARY KEY ("index")
);

-- CreateTable
CREATE TABLE "B2BMeter" (
    "peer" TEXT NOT NULL,
    "payer" TEXT NOT NULL,
    "kind" INTEGER NOT NULL,
    "calls" BIGINT NOT NULL,
    "bytesTotal" BIGINT NOT NULL,
    "dbReads" BIGINT NOT NULL,
    "dbWrites" BIGINT NOT NULL,
    "feeAmount" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "B2BMeter_pkey" PRIMARY KEY ("peer","payer","kind")
);

-- CreateTable
CREATE TABLE "B2BOrder" (
    "peer" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "engineOrderId" INTEGER,
    "status" TEXT NOT NULL,
    "remainingBase" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "B2BOrder_pkey" PRIMARY KEY ("peer","orderId","role")
);

-- CreateTable
CREATE TABLE "B2BProjection" (
    "id" INTEGER NOT NULL,
    "journalSeq" BIGINT NOT NULL,

    CONSTRAINT "B2BProjection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "B2BLogEntry_peer_direction_seq_key" ON "B2BLogEntry"("peer", "direction", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "B2BOrder_engineOrderId_key" ON "B2BOrder"("engineOrderId");

-- The B2B log is append only (hand-written, as for AuditLog): the database rejects UPDATE,
-- DELETE and TRUNCATE of a logged envelope, so a dispute always sees the history as it was signed.
CREATE FUNCTION "b2b_log_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'B2BLogEntry is append only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "B2BLogEntry_no_update_delete"
  BEFORE UPDATE OR DELETE ON "B2BLogEntry"
  FOR EACH ROW EXECUTE FUNCTION "b2b_log_append_only"();

CREATE TRIGGER "B2BLogEntry_no_truncate"
  BEFORE TRUNCATE ON "B2BLogEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "b2b_log_append_only"();
