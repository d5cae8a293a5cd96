from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form gets our field markup: label, hint and error beside the field, summary on top."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
