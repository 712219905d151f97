import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISCORD_CDN, discordAvatarUrl } from '../activity/src/platform/discord-avatar';

describe('Discord avatars for the presence list', () => {
  const id = '80351110224678912';
  const hash = '8342729096ea3675442027381ff50dfe';

  it("a user's own avatar, 64 px, through the activity proxy's /discord-cdn prefix", () => {
    assert.equal(discordAvatarUrl({ id, avatar: hash }), `/discord-cdn/avatars/${id}/${hash}.png?size=64`);
    assert.equal(discordAvatarUrl({ id, avatar: `a_${hash}` }), `/discord-cdn/avatars/${id}/a_${hash}.png?size=64`);
    assert.equal(discordAvatarUrl({ id, avatar: hash }, DISCORD_CDN), `https://cdn.discordapp.com/avatars/${id}/${hash}.png?size=64`);
  });

  it('the default avatar when there is no hash: index (id >> 22) % 6', () => {
    assert.equal((BigInt(id) >> 22n) % 6n, 5n);
    assert.equal(discordAvatarUrl({ id, avatar: null }), '/discord-cdn/embed/avatars/5.png');
    assert.equal(discordAvatarUrl({ id }, DISCORD_CDN), 'https://cdn.discordapp.com/embed/avatars/5.png');
    assert.equal(discordAvatarUrl({ id: '0', avatar: '' }), '/discord-cdn/embed/avatars/0.png');
    assert.equal(discordAvatarUrl({ id: String((3n << 22n) + 12345n) }), '/discord-cdn/embed/avatars/3.png');
  });

  it('no URL from a malformed hash or id: the presence list keeps the initials', () => {
    assert.equal(discordAvatarUrl({ id, avatar: '../../evil' }), '/discord-cdn/embed/avatars/5.png');
    assert.equal(discordAvatarUrl({ id: 'not-a-snowflake', avatar: null }), null);
    assert.equal(discordAvatarUrl({ id: '123abc' }), null);
    assert.equal(discordAvatarUrl({ id: 'a/b', avatar: hash }), `/discord-cdn/avatars/a%2Fb/${hash}.png?size=64`);
  });
});
