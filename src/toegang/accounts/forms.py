from django.contrib.auth.forms import AuthenticationForm

from toegang.common.forms import UtrechtFormMixin


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    pass
