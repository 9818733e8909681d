"""Form helpers: NL Design System (Utrecht) classes on widgets and domain errors on the right field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from toegang.common.dates import today
from toegang.common.errors import LONG_TEXT_MAX, DomainError


def field_label(model: Any, name: str, *, capital: bool = True) -> str:
    """A model field's name as forms and messages write it: its verbose name, the first letter a capital
    (``capital``) and the rest as written ("RSIN", "API" stay)."""
    label = str(getattr(model._meta.get_field(name), "verbose_name", name))
    return label[:1].upper() + label[1:] if capital else label


WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    forms.CheckboxSelectMultiple: "",
    forms.RadioSelect: "",
}
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _labelled(text: str, label: str, name: str) -> str:
    """A field's message starts with the field's label as the form shows it. A rule's own name for the
    field ("BSN: …" from the domain for the field labelled "Burgerservicenummer") gives way to it."""
    if text.startswith(label):
        return text
    prefix, colon, rule = text.partition(": ")
    if colon and prefix and (prefix.lower() == name.lower() or prefix.lower() in label.lower()):
        text = rule
    first = text[:1] if text[1:2].isupper() else text[:1].lower()  # "BSN …" keeps its capitals
    return f"{label.rstrip('.')}: {first}{text[1:]}"  # a checkbox's sentence as label ends with a full stop


class UtrechtFormMixin(forms.BaseForm):
    """Adds Utrecht classes and aria attributes; shows DomainError messages on the named field.

    Every message names its field ("Datum melding: dit veld is verplicht."). Required fields carry
    ``aria-required`` instead of the HTML ``required`` attribute, so the browser does not paint empty
    fields as invalid before anyone typed. Fields listed in ``conditional_fields`` are needed only in
    some cases (their help text says when) and are not labelled "(niet verplicht)".
    """

    template_name = "forms/div.html"
    use_required_attribute = False
    conditional_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._apply_widget_classes()

    def _apply_widget_classes(self) -> None:
        """Give every widget its Utrecht classes; forms that add fields in __init__ call it again."""
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), TEXTBOX)
            if css and css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = (
                    f"{str(self.auto_id) % self.add_prefix(name)}_help" if self.auto_id else ""
                )
            if field.required:
                widget.attrs["aria-required"] = "true"
            if isinstance(field, forms.DateField):
                field.input_formats = ["%Y-%m-%d", "%d-%m-%Y"]
            if type(field) is forms.CharField and field.max_length is None:  # no text without an end
                field.max_length = LONG_TEXT_MAX
                field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
                widget.attrs["maxlength"] = str(LONG_TEXT_MAX)
            field.conditional = name in self.conditional_fields  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    label = str(self.fields[name].label or name)
                    texts = [_labelled(str(m), label, name) for m in self.errors[name]]
                    self.errors[name] = self.error_class(texts, renderer=self.renderer)
                    self._mark_invalid(name)

    def _mark_invalid(self, name: str) -> None:
        """Tell assistive technology that the field is wrong and where its message is (once)."""
        widget = self.fields[name].widget
        widget.attrs["aria-invalid"] = "true"
        error_id = f"{str(self.auto_id) % self.add_prefix(name)}_error"
        described = widget.attrs.get("aria-describedby", "").split()
        if error_id not in described:
            widget.attrs["aria-describedby"] = " ".join([*described, error_id])

    domain_error: DomainError | None = None

    def add_domain_error(self, error: DomainError) -> None:
        self.domain_error = error
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
        if field is not None:
            self._mark_invalid(field)


class UtrechtForm(UtrechtFormMixin, forms.Form):
    pass


def refuse_future_dates(form: UtrechtFormMixin, data: dict[str, Any], *names: str) -> None:
    """A date in the future on each of these fields, named at once (the service checks them again, one at a time):
    so a form with two such dates shows both in one round."""
    for name in names:
        value = data.get(name)
        if name in form.fields and name not in form.errors and value is not None and value > today():
            form.add_error(name, f"{form.fields[name].label}: de datum ligt in de toekomst.")
