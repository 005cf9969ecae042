# Jupyter server settings for the course on Binder: shut down idle kernels.
#
# binder/postBuild installs this file as <environment>/etc/jupyter/jupyter_server_config.py,
# where every Jupyter server started from the image's environment reads it (JupyterLab,
# Notebook 7 and jupyterhub-singleuser are all jupyter_server applications).
#
# Why: a lesson's kernel peaks at 650-830 MB (bench/results.json) and JupyterLab takes about
# 150 MB, while a Binder session gets 1-2 GB. A learner who follows the "next lesson" links
# keeps every earlier lesson's tab open, and with it that lesson's kernel; the third one would
# exhaust the memory, and the kernel that gets killed may be the one the learner is using.
c = get_config()  # noqa: F821  (traitlets provides get_config when it loads this file)

# A kernel that has done nothing for 10 minutes (no cell run, no widget moved) is shut down.
# Ten minutes is Binder's own horizon: a session idle that long ends altogether, so this
# takes away little that Binder would not; it frees a finished lesson's memory soon after
# the learner moves on to the next one.
c.MappingKernelManager.cull_idle_timeout = 600
c.MappingKernelManager.cull_interval = 60

# Cull even kernels whose notebook is still open (the default, False, would keep them).
# Binder sessions have a single user, and that user's open tabs are exactly the problem:
# the kernels of lessons left open in earlier tabs. A culled lesson comes back with
# Kernel > Restart Kernel and Run All Cells: every lesson reruns in under a minute, with
# the same seeded numbers.
c.MappingKernelManager.cull_connected = True

# Never cull a kernel in the middle of running a cell (a long training run is not idle).
c.MappingKernelManager.cull_busy = False

# The server itself is not shut down from here: Binder (JupyterHub's idle culler) already
# ends sessions without activity, and stopping the server from inside would only duplicate it.
