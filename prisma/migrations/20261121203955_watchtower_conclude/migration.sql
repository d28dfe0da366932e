-- The watchtower concludes an expired challenge itself when nobody did within the grace period
-- (server/chain/watchtower.ts): the hash of its conclude() transaction.
-- AlterTable
ALTER TABLE "WatchtowerAction" ADD COLUMN     "concludeTxHash" TEXT;
