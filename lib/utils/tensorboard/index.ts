// torch.utils.tensorboard: SummaryWriter, and the pieces a reader needs (record framing, CRC-32C, messages).
export { SummaryWriter } from './summary-writer';
export type { SummaryWriterOptions } from './summary-writer';
export type { Bins, DataFormats, HParamValue } from './summary';
export { readEventFile, ScalarSeries } from './reader';
export type { EventFileContents, ScalarPoint, ImagePoint, HistogramPoint } from './reader';
export { crc32c, maskCrc, unmaskCrc, maskedCrc32c } from './crc32c';
export { encodeRecord, readRecords } from './record';
