package dev.sensorpub.queue;

class MemoryQueueContractTest extends MessageQueueContract {
    @Override
    protected MessageQueue create(long capacityBytes, int maxMessages, OverflowPolicy overflow, int maxRecordBytes) {
        return new MemoryQueue(capacityBytes, maxMessages, overflow, maxRecordBytes);
    }
}
