# Source: https://github.com/RobertTLange/gymnax/issues/83
# "jax.errors.TracerBoolConversionError: Attempted boolean conversion of traced array with shape bool[].."
import jax
import jax.numpy as jnp


def step_entities(entities, player_x, player_y):
    done, reward = 0, jnp.array(0)
    for i in range(8):
        x = entities[i]
        slot_filled = x[4] != 0
        coords = jnp.logical_and(x[0] == player_x, x[1] == player_y)
        collision = jnp.logical_and(coords, slot_filled)
        collision_gold = jnp.logical_and(collision, x[3])
        reward += collision_gold
        entities = entities.at[i].set(x * (1 - collision_gold))
        collision_enemy = jnp.logical_and(collision, 1 - x[3])
        done += collision_enemy
    return entities, reward, bool(done > 0)  # expect: JL006


def step_entities_fixed(entities, player_x, player_y):
    done, reward = 0, jnp.array(0)
    for i in range(8):
        x = entities[i]
        slot_filled = x[4] != 0
        coords = jnp.logical_and(x[0] == player_x, x[1] == player_y)
        collision = jnp.logical_and(coords, slot_filled)
        collision_gold = jnp.logical_and(collision, x[3])
        reward += collision_gold
        entities = entities.at[i].set(x * (1 - collision_gold))
        collision_enemy = jnp.logical_and(collision, 1 - x[3])
        done += collision_enemy
    return entities, reward, jnp.bool_(done > 0)  # trap: JL006


@jax.jit
def step_env(entities, player_x, player_y):
    return step_entities(entities, player_x, player_y)


@jax.jit
def step_env_fixed(entities, player_x, player_y):
    return step_entities_fixed(entities, player_x, player_y)


entities = jnp.zeros((8, 5), dtype=jnp.int32)
step_env(entities, 4, 5)
step_env_fixed(entities, 4, 5)
