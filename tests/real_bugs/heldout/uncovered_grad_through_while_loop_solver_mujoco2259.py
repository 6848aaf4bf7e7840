# Source: https://github.com/google-deepmind/mujoco/issues/2259
# "The solver's `jax.lax.while_loop` implementation prevents gradient computation through the environment step during gradient based trajectory optimization. This occurs in the solver implementation when iterations > 1."
import jax
import mujoco
from mujoco import mjx

XML = """
<mujoco>
  <worldbody>
    <geom type="plane" size="2 2 .1"/>
    <body pos="0 0 1">
      <freejoint/>
      <geom size=".15" mass="1" type="sphere"/>
    </body>
  </worldbody>
</mujoco>
"""

mj_model = mujoco.MjModel.from_xml_string(XML)
mjx_model = mjx.put_model(mj_model)


def final_height(vel):
    data = mjx.make_data(mjx_model)
    data = data.replace(qvel=data.qvel.at[2].set(vel))
    return mjx.step(mjx_model, data).qpos[2]


grad_height = jax.jit(jax.grad(final_height))(0.5)  # uncovered: reverse-mode differentiation through a lax.while_loop solver

# The workaround given in the thread: one solver iteration, no while_loop.
mj_model_1 = mujoco.MjModel.from_xml_string(XML)
mj_model_1.opt.iterations = 1
mjx_model_1 = mjx.put_model(mj_model_1)


def final_height_fixed(vel):
    data = mjx.make_data(mjx_model_1)
    data = data.replace(qvel=data.qvel.at[2].set(vel))
    return mjx.step(mjx_model_1, data).qpos[2]


grad_height_fixed = jax.jit(jax.grad(final_height_fixed))(0.5)
