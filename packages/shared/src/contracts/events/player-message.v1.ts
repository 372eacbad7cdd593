import { z } from 'zod';
import { accountId, text } from '../common';
import { cloudEvent } from '../envelope';

export const PLAYER_MESSAGE = 'player.message';

export const playerMessageData = z.object({ accountId, text: text(1, 2000) });

export const playerMessageCommand = cloudEvent(PLAYER_MESSAGE, playerMessageData);
export type PlayerMessageData = z.infer<typeof playerMessageData>;
