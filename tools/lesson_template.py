# ---
# jupyter:
#   jupytext:
#     formats: ipynb,src//py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # {heading}
#
# One or two sentences: what this lesson is about and why it matters.
#
# **Time:** about {minutes} minutes
#
# **Objectives**
{objectives}

# %%
# In Google Colab this installs the course's helper package, the version these lessons were
# written for (and nothing else: Colab already has TensorFlow and Keras). Elsewhere it does
# nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "hlcourse @ git+{repository}@v0.1.0"],
        check=True,
    )  # fmt: skip
    from google.colab import output

    output.enable_custom_widget_manager()

# %% [markdown]
# ## Setup

# %%
import hlcourse as hlc

seed = hlc.setup(written_for="0.1.0")

# %%
import numpy as np

# %% [markdown]
# ## A first section
#
# 🤔 **Predict:** what will the next cell show?

# %%
print("replace me")

# %% [markdown]
# ### Exercise {number:02d}.1: a title
#
# What to do, and what to store in `answer`.

# %%
answer = ...
hlc.check("{number:02d}.1", answer)

# %%
hlc.solution("{number:02d}.1")

# %% [markdown]
# ### Exercise {number:02d}.2: a title

# %%
answer = ...
hlc.check("{number:02d}.2", answer)

# %%
hlc.solution("{number:02d}.2")

# %% [markdown]
# ## Summary
#
# - What the learner now knows, one line each.
#
# {next_line}
