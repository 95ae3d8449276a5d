-- Deliveries stored before event ids were deduplicated may repeat a (shop, topic, event id):
-- the later copies keep their row (and whatever processing they had) but lose the event id,
-- so the unique index can be built.
UPDATE "WebhookDelivery" AS d
SET "eventId" = NULL
FROM (
    SELECT "id", row_number() OVER (PARTITION BY "shopDomain", "topic", "eventId" ORDER BY "receivedAt", "id") AS copy
    FROM "WebhookDelivery"
    WHERE "eventId" IS NOT NULL
) AS dup
WHERE d."id" = dup."id" AND dup.copy > 1;

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shopDomain_topic_eventId_key" ON "WebhookDelivery"("shopDomain", "topic", "eventId");
