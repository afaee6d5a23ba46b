export { BpeTrainer, WordPieceTrainer, type BpeTrainerOptions, type WordPieceTrainerOptions } from './bpe.js';
export { UnigramTrainer, type UnigramTrainerOptions, type UnigramLoss } from './unigram.js';
export type { TrainerOptions, TrainerProgress, Corpus } from './common.js';
