-- AlterTable
ALTER TABLE "EngineStateSnapshot" ADD COLUMN     "parts" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "EngineStateSnapshotPart" (
    "seq" BIGINT NOT NULL,
    "part" INTEGER NOT NULL,
    "data" TEXT NOT NULL,

    CONSTRAINT "EngineStateSnapshotPart_pkey" PRIMARY KEY ("seq","part")
);
